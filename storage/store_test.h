/*
 * storage/store_test.h - what only tests use of storage/, beside store.h.
 *
 * Dependency rule: included by tests only; production code calls
 * store.h alone.
 */
#ifndef TIMMY_STORE_TEST_H
#define TIMMY_STORE_TEST_H

#include "store.h"

/*
 * store_insert_entry for a constant entry: *id (when id is not NULL) gets
 * the new entry's id; e is not changed. Tests set up entries with it.
 */
store_rc store_insert(store *st, const char *owner,
                      const struct store_entry *e, int64_t *id);

/*
 * Whether reports read the rollup where it can answer (true, the
 * default) or always the entries alone (false): tests compare the two.
 */
void store_rollup_use(store *st, bool on);

/*
 * Empties every table of st's PostgreSQL database and restarts its ids,
 * as a new database is: the storage tests run on one server, a clean
 * database per test. STORE_ERR on SQLite (a new ":memory:" is that).
 */
store_rc store_test_empty(store *st);

/*
 * Prepares every statement of storage/ linked into the program (every
 * STORE_SQL of the objects it took from libtimmy.a), so that tests see
 * that all SQL compiles against the schema: on PostgreSQL on the server
 * too, with every parameter NULL, leaving out SQLite's own statements
 * (PRAGMAs). STORE_ERR when one fails, errmsg naming the first and how
 * many failed, or when two statements share a name.
 */
store_rc store_prepare_all(store *st);

#endif
