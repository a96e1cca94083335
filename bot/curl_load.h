/*
 * bot/curl_load.h - libcurl, loaded the first time an export goes out by
 * HTTP upload rather than when timmy starts.
 *
 * Private to bot/ (the upload code: bot/delivery.c, bot/httpupload.c).
 * Linked in, libcurl.so.4 brought 36 more shared libraries into every run
 * of timmy (GnuTLS, Kerberos, LDAP, SSH, RTMP, ...; `ldd timmy`): the
 * dynamic loader mapped and relocated them even for `timmy --version`,
 * and the daemon carried their pages though most servers never offer
 * HTTP upload. Now the commands and an idle bot do not load it at all.
 * The types and constants still come from <curl/curl.h> (the build needs
 * the libcurl development package; the run needs libcurl.so.4 only for
 * HTTP upload).
 */
#ifndef TIMMY_CURL_LOAD_H
#define TIMMY_CURL_LOAD_H

#include <curl/curl.h>
#include <stddef.h>

/* The libcurl calls timmy makes, each the function of the same name
 * without "curl_". */
struct curl_api {
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode (*multi_perform)(CURLM *, int *);
	CURLMsg *(*multi_info_read)(CURLM *, int *);
	const char *(*multi_strerror)(CURLMcode);
	CURLMcode (*multi_cleanup)(CURLM *);
};

/* The soname loaded, for messages. */
#define CURL_LOAD_SONAME "libcurl.so.4"

/*
 * Loads libcurl and calls curl_global_init, the first time; later calls
 * return the same table. Returns the table (static; valid until
 * curl_unload), or NULL after writing into err (n bytes) why, as
 * "HTTP upload needs libcurl.so.4: <the loader's message>"; a failed load
 * is tried again at the next call (the package may have been installed
 * since). Not thread-safe (timmy has one thread).
 */
const struct curl_api *curl_load(char *err, size_t n);

/* The table when libcurl is loaded, else NULL. */
const struct curl_api *curl_loaded(void);

/*
 * The options every transfer of timmy's sets on easy, in one place (the
 * PUT of an export, bot/httpupload.c; the download of a file to import,
 * bot/fetch.c): HTTPS only, the certificate and host name verified, the
 * CA file and directory of SSL_CERT_FILE and SSL_CERT_DIR when set (the
 * ones OpenSSL, and so the XMPP connection, trusts; libcurl reads neither
 * by itself), no redirects, no signals, a connect timeout and a total
 * one (total_ms), our user agent, errors into errbuf (CURL_ERROR_SIZE
 * bytes) and priv as CURLOPT_PRIVATE. Returns CURLE_OK or the first
 * failure.
 */
CURLcode curl_https_options(const struct curl_api *c, CURL *easy,
                            long total_ms, char *errbuf, void *priv);

/*
 * Loads libcurl (curl_load) and makes a multi handle into *multi, unless
 * there is one already; *table gets libcurl's table. Returns 0, or -1 after
 * writing why into why (n bytes). The caller frees *multi with
 * (*table)->multi_cleanup before curl_unload.
 */
int curl_multi_ready(const struct curl_api **table, CURLM **multi, char *why,
                     size_t n);

/* How long a transfer may take to connect, TLS handshake included. */
#define CURL_CONNECT_TIMEOUT_MS 15000L

/*
 * curl_global_cleanup, if curl_load succeeded; at exit, after every
 * handle is freed. The library stays mapped: unloading it at exit gains
 * nothing, and with libraries it brought in unmapped, LeakSanitizer's
 * scan of the threads at exit now and then crashed ("Tracer caught
 * signal 11") in the sanitized tests.
 */
void curl_unload(void);

#endif
