#ifndef CSQLITEOPTIONS_H
#define CSQLITEOPTIONS_H

/// Settings of an SQLite connection that are set through `sqlite3_db_config`, a C function with
/// variable arguments, which Swift cannot call. The connection is one opened with the SQLite
/// library the driver links (the `sqlite_nio_` prefixed one).

/// Turns on the query planner stability guarantee (`SQLITE_DBCONFIG_ENABLE_QPSG`): a statement
/// keeps its plan whatever values are bound to it, so a kept prepared statement is not compiled
/// again when its parameters change. Returns SQLite's result code.
int samskap_sqlite_enable_qpsg(void *connection);

/// Reads the setting back: 1 on, 0 off, -1 when SQLite refused to answer.
int samskap_sqlite_qpsg_enabled(void *connection);

#endif
