/*
 * storage/pg_load.h - libpq through dlopen(3), at the first connection
 * to PostgreSQL (pg_load.c).
 *
 * libpq brings 23 shared objects with it (OpenSSL, Kerberos, LDAP,
 * GnuTLS...): linked, every `timmy` command and every bot on SQLite
 * would load them, for a backend most never use; the CLI's start is
 * what the benchmark against Timewarrior measures (bench/README.md).
 * Loaded on demand, a machine without libpq5 runs timmy on SQLite, and
 * `backend: postgresql` there fails with the reason.
 *
 * Dependency rule: libpq's header (for its types) and libc only.
 */
#ifndef TIMMY_PG_LOAD_H
#define TIMMY_PG_LOAD_H

#include <stddef.h>

#include <libpq-fe.h>

#define PG_LOAD_SONAME "libpq.so.5"

/* The functions of libpq that storage/ calls, by their names without
 * "PQ" (pg_load.c fills the table from PG_LOAD_SYMS). */
struct pq_api {
	PGconn *(*connectdbParams)(const char *const *, const char *const *,
	                           int);
	ConnStatusType (*status)(const PGconn *);
	char *(*errorMessage)(const PGconn *);
	void (*finish)(PGconn *);
	PGresult *(*exec)(PGconn *, const char *);
	PGresult *(*prepare)(PGconn *, const char *, const char *, int,
	                     const Oid *);
	PGresult *(*execPrepared)(PGconn *, const char *, int,
	                          const char *const *, const int *,
	                          const int *, int);
	ExecStatusType (*resultStatus)(const PGresult *);
	char *(*resultErrorMessage)(const PGresult *);
	char *(*resultErrorField)(const PGresult *, int);
	void (*clear)(PGresult *);
	int (*ntuples)(const PGresult *);
	int (*nfields)(const PGresult *);
	char *(*getvalue)(const PGresult *, int, int);
	int (*getisnull)(const PGresult *, int, int);
	int (*getlength)(const PGresult *, int, int);
	char *(*cmdTuples)(PGresult *);
	PGTransactionStatusType (*transactionStatus)(const PGconn *);
	char *(*fname)(const PGresult *, int);
	Oid (*ftype)(const PGresult *, int);
	PGresult *(*execParams)(PGconn *, const char *, int, const Oid *,
	                        const char *const *, const int *, const int *,
	                        int);
	int (*putCopyData)(PGconn *, const char *, int);
	int (*putCopyEnd)(PGconn *, const char *);
	PGresult *(*getResult)(PGconn *);
	int (*enterPipelineMode)(PGconn *);
	int (*exitPipelineMode)(PGconn *);
	int (*pipelineSync)(PGconn *);
	int (*sendQueryParams)(PGconn *, const char *, int, const Oid *,
	                       const char *const *, const int *, const int *,
	                       int);
	int (*sendQueryPrepared)(PGconn *, const char *, int,
	                         const char *const *, const int *, const int *,
	                         int);
};

#define PG_LOAD_SYMS(X) \
	X(connectdbParams) X(status) X(errorMessage) X(finish) X(exec) X(prepare) \
	X(execPrepared) X(resultStatus) X(resultErrorMessage) \
	X(resultErrorField) X(clear) X(ntuples) X(nfields) X(getvalue) \
	X(getisnull) X(getlength) X(cmdTuples) X(transactionStatus) \
	X(fname) X(ftype) X(execParams) X(putCopyData) X(putCopyEnd) \
	X(getResult) X(enterPipelineMode) X(exitPipelineMode) X(pipelineSync) \
	X(sendQueryParams) X(sendQueryPrepared)

/*
 * libpq's functions, loading it the first time; NULL with the reason in
 * err (n bytes) when it or one of them is missing. Stays loaded.
 */
const struct pq_api *pg_load(char *err, size_t n);

#endif
