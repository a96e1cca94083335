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

/* <name>text</name> under parent. */
void adhoc_text_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent,
                      const char *name, const char *text);

/* ---- forms (bot/adhoc_forms.c) ---- */

/* Fills x, an empty <x type='form'/>, with the Start form: a picker of
 * owner's projects of the last 30 days before now, tags, note, start. */
void adhoc_start_form(struct bot *b, xmpp_stanza_t *x, const char *owner,
                      int64_t now);

/* Fills x with the Report form: range and grouping. */
void adhoc_report_form(struct bot *b, xmpp_stanza_t *x);

/* The chat command a submitted Start or Report form (XEP-0004 x of
 * type submit) stands for, into line (n bytes); NULL with *why set
 * when the form cannot be said as chat text. */
const char *adhoc_start_line(xmpp_stanza_t *x, char *line, size_t n,
                             const char **why);
const char *adhoc_report_line(xmpp_stanza_t *x, char *line, size_t n,
                              const char **why);

#endif
