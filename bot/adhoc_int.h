/*
 * bot/adhoc_int.h - what the XEP-0050 protocol (bot/adhoc.c) and the
 * XEP-0004 forms of its commands (bot/adhoc_forms.c) share. Private to
 * those two files and the unit tests of the forms; the rest of bot/ sees
 * adhoc.h only.
 *
 * adhoc.c keeps the sessions and the answers; a form file builds the form
 * a command shows and turns what comes back submitted into the chat text
 * the command runs, so that the menu and the chat share one code path in
 * commands/.
 */
#ifndef TIMMY_ADHOC_INT_H
#define TIMMY_ADHOC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <strophe.h>

#include "handlers.h"

#define NS_DATA "jabber:x:data"

/* ---- elements (bot/adhoc.c) ---- */

/* Adds child to parent and drops our reference; NULL child is ignored,
 * so an element that could not be made is simply left out. Returns
 * child, borrowed. */
xmpp_stanza_t *adhoc_adopt(xmpp_stanza_t *parent, xmpp_stanza_t *child);

/* A child name (in ns, NULL: none) of parent with attribute pairs
 * (NULL-ended; a NULL value leaves its attribute out), borrowed; NULL
 * when out of memory. */
xmpp_stanza_t *adhoc_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent,
                           const char *name, const char *ns,
                           const char *const *attrs);

/* <name>text</name> under parent; the element, borrowed (NULL when out
 * of memory). */
xmpp_stanza_t *adhoc_text_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent,
                      const char *name, const char *text);

/* ---- forms (bot/adhoc_forms.c) ---- */

/* A <field/> under x, borrowed (NULL when out of memory), with a
 * <desc/> (XEP-0004 3.2: a sentence on what it wants), a value and
 * options (NULL-ended, each its own label); each may be NULL. */
xmpp_stanza_t *adhoc_field(xmpp_ctx_t *ctx, xmpp_stanza_t *x,
                           const char *var, const char *type,
                           const char *label, const char *desc,
                           const char *value, const char *const *options);

/* The <field/> var of form x, borrowed; NULL when it has none. */
xmpp_stanza_t *adhoc_field_named(xmpp_stanza_t *x, const char *var);

/* The text of the first <value/> of field var of the submitted form x,
 * in buf (empty when absent); returns buf. */
const char *adhoc_value_of(xmpp_stanza_t *x, const char *var, char *buf,
                           size_t n);

#define ADHOC_LINE_MAX 1024
#define ADHOC_LINES_MAX 16

/* The chat commands a submitted form stands for, run in this order as
 * the user's own chat messages would be. Kept apart, never joined by a
 * line break, so that no value typed in a form can become a command of
 * its own. */
struct adhoc_lines {
	char line[ADHOC_LINES_MAX][ADHOC_LINE_MAX];
	size_t n;
};

enum {
	ADHOC_AGAIN = 1 << 0, /* a refusal shows the form again, with what
	                         was typed and an error note, in the same
	                         session; else it completes the command */
	ADHOC_FILE = 1 << 1   /* its command makes a file, which goes to the
	                         user in chat as the chat command's does */
};

/* A command menu's form. */
struct adhoc_form {
	/* Fills x, an empty <x type='form'/>, for owner at now. */
	void (*build)(struct bot *b, xmpp_stanza_t *x, const char *owner,
	              int64_t now);
	/* A form of one chat command: the command the submitted form x
	 * stands for, into line (n bytes); NULL, with the sentence that says
	 * why in *why, when it cannot be said as chat text. NULL: submit. */
	const char *(*line)(xmpp_stanza_t *x, char *line, size_t n,
	                    const char **why);
	/* A form of several: the chat commands the submitted form x of
	 * owner stands for, into out (none at all: nothing to do); false,
	 * with the sentence that says why in why (n bytes), when it cannot
	 * be said as chat text. */
	bool (*submit)(struct bot *b, const char *owner, xmpp_stanza_t *x,
	               struct adhoc_lines *out, char *why, size_t n);
	unsigned flags; /* ADHOC_AGAIN, ADHOC_FILE */
};

/* Sets the <value/> of each field of the form x that the submitted form
 * prior also has to prior's value, so a form shown again after an error
 * keeps what the user typed. */
void adhoc_refill(xmpp_ctx_t *ctx, xmpp_stanza_t *x, xmpp_stanza_t *prior);

extern const struct adhoc_form adhoc_form_start, adhoc_form_report,
        adhoc_form_export;

/* The Settings form (bot/adhoc_settings.c). */
extern const struct adhoc_form adhoc_form_settings;

/* The chat command a submitted Start, Report or Export form (XEP-0004 x
 * of type submit) stands for, into line (n bytes); NULL with *why set
 * when the form cannot be said as chat text. */
const char *adhoc_start_line(xmpp_stanza_t *x, char *line, size_t n,
                             const char **why);
const char *adhoc_report_line(xmpp_stanza_t *x, char *line, size_t n,
                              const char **why);
const char *adhoc_export_line(xmpp_stanza_t *x, char *line, size_t n,
                              const char **why);

struct prefs;

/*
 * The settings commands of the submitted Settings form x, for a user
 * whose settings are cur over the defaults dflt, into out, in the order
 * of prefs_names: "settings NAME VALUE" for each field whose value reads
 * otherwise than cur's (VALUE in prefs_format's spelling), "settings NAME
 * default" for an emptied one not at the default already; a field absent
 * from x leaves its setting as it is. False, with out empty and why (n
 * bytes) holding "NAME: prefs_parse's sentence" for each refused value,
 * a line each, when any value is refused.
 */
bool adhoc_settings_lines(xmpp_stanza_t *x, const struct prefs *cur,
                          const struct prefs *dflt, struct adhoc_lines *out,
                          char *why, size_t n);

#endif
