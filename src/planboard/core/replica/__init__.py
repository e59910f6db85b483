"""Streaming a board to a replica with Litestream, and getting it back.

planboard does not sync files itself: Litestream (an optional extra, `planboard[replicate]`,
which installs its binary) reads the board's write-ahead log and ships every transaction to
a replica — a folder, S3 or any S3-compatible store, SFTP, and the other stores Litestream
knows. The replica is a plain Litestream replica: `litestream restore -o OUT URL` restores
it without planboard.

planboard's own settings are the ones Litestream documents as safe: WAL journal mode, a
busy timeout of 5 s (Litestream takes short write locks when it checkpoints), and no
checkpoint or journal-mode change of its own (SQLite's automatic PASSIVE checkpoints
only). `planboard replicate` never takes the writer lock: the facilitator's planboard
keeps writing while it runs.

State: for each board, a folder under the state directory (`$PLANBOARD_STATE_DIR`, else
`$XDG_STATE_HOME/planboard`, else `~/.local/state/planboard`) holds the Litestream
configuration planboard wrote, the log of a background run, and `status.json`: where the
replica is, who runs it, and the replica's position as Litestream reports it, checked every
few seconds. The board's title bar reads that file.

Its modules: `config` (the binary, URLs, state, the configuration written), `points`
(what a replica holds, errors, restoring) and `replicator` (running Litestream).
"""

from __future__ import annotations

from .config import (
    BEHIND_AFTER,
    CHECK_EVERY,
    DEFAULT_RETENTION,
    INSTALL_HINT,
    SCHEMES,
    STATUS_FILE,
    ReplicaError,
    _alive,
    check_board_path,
    check_one_writer,
    check_replica_folder,
    config_text,
    duration,
    file_replica,
    litestream_binary,
    make_state_dir,
    monitor_interval,
    read_status,
    redact,
    replica_key,
    replica_url,
    seconds,
    state_dir,
    state_root,
    unreachable,
)
from .locks import check_not_replicated_elsewhere
from .points import (
    At,
    Point,
    Restored,
    Span,
    caught_up,
    check_restored,
    explain,
    litestream_env,
    local_position,
    no_such_folder,
    parse_at,
    points,
    restorable,
    restore_to,
    sweep_restores,
    unread_changes,
)
from .replicator import (
    STOP_WAIT_S,
    ReplicaState,
    Replicator,
    Stopped,
    replica_state,
    stop_background,
)

__all__ = [
    "BEHIND_AFTER",
    "CHECK_EVERY",
    "DEFAULT_RETENTION",
    "INSTALL_HINT",
    "SCHEMES",
    "STATUS_FILE",
    "STOP_WAIT_S",
    "At",
    "Point",
    "ReplicaError",
    "ReplicaState",
    "Replicator",
    "Restored",
    "Span",
    "Stopped",
    "_alive",
    "caught_up",
    "check_board_path",
    "check_not_replicated_elsewhere",
    "check_one_writer",
    "check_replica_folder",
    "check_restored",
    "config_text",
    "duration",
    "explain",
    "file_replica",
    "litestream_binary",
    "litestream_env",
    "local_position",
    "make_state_dir",
    "monitor_interval",
    "no_such_folder",
    "parse_at",
    "points",
    "read_status",
    "redact",
    "replica_key",
    "replica_state",
    "replica_url",
    "restorable",
    "restore_to",
    "seconds",
    "state_dir",
    "state_root",
    "stop_background",
    "sweep_restores",
    "unreachable",
    "unread_changes",
]
