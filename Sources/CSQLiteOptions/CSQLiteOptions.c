#include "CSQLiteOptions.h"

/* Declared here, defined in the driver's SQLite library (VaporCSQLite), which every Samskap binary links. */
struct sqlite3;
int sqlite_nio_sqlite3_db_config(struct sqlite3 *, int op, ...);

/* SQLITE_DBCONFIG_ENABLE_QPSG in sqlite3.h */
#define SAMSKAP_DBCONFIG_ENABLE_QPSG 1007

int samskap_sqlite_enable_qpsg(void *connection) {
    return sqlite_nio_sqlite3_db_config((struct sqlite3 *)connection, SAMSKAP_DBCONFIG_ENABLE_QPSG, 1, (int *)0);
}

int samskap_sqlite_qpsg_enabled(void *connection) {
    int enabled = -1;
    if (sqlite_nio_sqlite3_db_config((struct sqlite3 *)connection, SAMSKAP_DBCONFIG_ENABLE_QPSG, -1, &enabled) != 0) return -1;
    return enabled;
}
