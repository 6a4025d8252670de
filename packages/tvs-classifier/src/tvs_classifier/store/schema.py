"""The tables of a classification store, in plain SQL types (SQLite and PostgreSQL alike).

* ``store_info``: key/value facts about the store (schema version, type of the
  object ids, when it was made).
* ``runs``: one row per ``update`` run: when it started and finished (a run killed
  before the end has no ``finished_at``), its input, the model version, and how many
  objects it saw, classified and found unchanged.
* ``objects``: one row per object, its latest classification.
* ``classifications``: the history, one row per object and run that classified it
  (primary key ``object_id, run_id``), so that a rerun that classifies nothing adds
  nothing.
* ``partitions``: for HATS catalog inputs, one row per catalog folder and partition
  file whose objects are all stored: the file's fingerprint (size and modification
  time) and the model version then. An update skips a partition whose file and model
  are unchanged (`tvs_classifier.store.partitions`). Added after the first release;
  opening an older store adds the table (nothing else changes).

``objects`` and ``classifications`` share the result columns of `RESULT_COLUMNS`:
the class and subclass with their probabilities, every probability as JSON text
(``{"prob_RRab": 0.91, ...}``: models with other classes share one schema), the
period and its source, flags, model version, epochs per band (JSON), last epoch,
the light curve's digest (`tvs_classifier.store.digest`) and the time of
classification (UTC).

Examples
--------
>>> sorted(METADATA.tables)
['classifications', 'objects', 'partitions', 'runs', 'store_info']
>>> OBJECTS.c.object_id.primary_key
True
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "CLASSIFICATIONS",
    "METADATA",
    "OBJECTS",
    "PARTITIONS",
    "RESULT_COLUMNS",
    "RUNS",
    "SCHEMA_VERSION",
    "STORE_INFO",
]

#: Version of this schema, recorded in ``store_info``; a store of another is refused.
SCHEMA_VERSION = "1"

METADATA = sa.MetaData()

STORE_INFO = sa.Table(
    "store_info",
    METADATA,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

RUNS = sa.Table(
    "runs",
    METADATA,
    sa.Column("run_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("input", sa.Text, nullable=False),
    sa.Column("model_version", sa.String(64), nullable=False),
    sa.Column("n_objects", sa.Integer),
    sa.Column("n_classified", sa.Integer),
    sa.Column("n_unchanged", sa.Integer),
)


def _result_columns() -> list[sa.Column]:
    """The result columns (new objects each time: a column belongs to one table)."""
    return [
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id"), nullable=False),
        sa.Column("class", sa.String(32)),
        sa.Column("class_prob", sa.Float),
        sa.Column("subclass", sa.String(32)),
        sa.Column("subclass_prob", sa.Float),
        sa.Column("probabilities", sa.Text, nullable=False),
        sa.Column("period", sa.Float),
        sa.Column("period_source", sa.String(16), nullable=False),
        sa.Column("false_alarm_probability", sa.Float),
        sa.Column("n_points", sa.Integer, nullable=False),
        sa.Column("n_outliers", sa.Integer, nullable=False),
        sa.Column("novelty", sa.Float),
        sa.Column("flags", sa.Text, nullable=False),
        sa.Column("priors", sa.String(32), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("n_epochs", sa.Text, nullable=False),
        sa.Column("last_epoch", sa.Float),
        sa.Column("digest", sa.String(32), nullable=False),
        sa.Column("classified_at", sa.DateTime(timezone=True), nullable=False),
    ]


#: Names of the columns ``objects`` and ``classifications`` share, in order.
RESULT_COLUMNS: tuple[str, ...] = tuple(column.name for column in _result_columns())

OBJECTS = sa.Table(
    "objects",
    METADATA,
    sa.Column("object_id", sa.String(64), primary_key=True),
    *_result_columns(),
)

CLASSIFICATIONS = sa.Table(
    "classifications",
    METADATA,
    sa.Column("object_id", sa.String(64), nullable=False),
    *_result_columns(),
    sa.PrimaryKeyConstraint("object_id", "run_id"),
)

PARTITIONS = sa.Table(
    "partitions",
    METADATA,
    sa.Column("input", sa.Text, nullable=False),
    sa.Column("partition", sa.Text, nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("model_version", sa.String(64), nullable=False),
    sa.Column("n_objects", sa.Integer, nullable=False),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id"), nullable=False),
    sa.PrimaryKeyConstraint("input", "partition"),
)
