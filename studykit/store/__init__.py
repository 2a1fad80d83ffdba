"""The progress store package: tables, records, opening/recovery and the store, re-exported here.

`tables` (the schema), `records` (the values read and written), `progress_store` (the queries),
`opening` (open, recover, read-only fallback) and `errors` (what a failure is called).
"""

from studykit.store.errors import ReadOnlyStoreError, database_error_line
from studykit.store.opening import BUSY_TIMEOUT_MS, create_tables, open_store
from studykit.store.progress_store import DEFAULT_PROFILE, ProgressStore
from studykit.store.records import (
    MODES,
    LogVersion,
    NewReview,
    Profile,
    Review,
    StoreStatus,
)
from studykit.store.tables import (
    UTCDateTime,
    log_writes,
    metadata,
    profile_settings_table,
    profiles_table,
    review_log,
)

__all__ = [
    "BUSY_TIMEOUT_MS",
    "DEFAULT_PROFILE",
    "MODES",
    "LogVersion",
    "NewReview",
    "Profile",
    "ProgressStore",
    "ReadOnlyStoreError",
    "Review",
    "StoreStatus",
    "UTCDateTime",
    "create_tables",
    "database_error_line",
    "log_writes",
    "metadata",
    "open_store",
    "profile_settings_table",
    "profiles_table",
    "review_log",
]
