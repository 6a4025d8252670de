"""The update store: classifications kept up to date as new data arrive.

* `ClassificationStore` (`tvs_classifier.store.store`): one row per object with its
  latest classification, and the history of all of them, in SQLite (a ``.sqlite``
  file) or PostgreSQL (a database URL), written one transaction per batch;
* `update` (`tvs_classifier.store.updates`): classify only the objects that are new,
  changed, or classified by another model version;
* `light_curve_digests` (`tvs_classifier.store.digest`): what "changed" means;
* `tvs_classifier.store.partitions`: a HATS catalog updated partition by partition,
  unchanged partition files skipped, on Dask workers if asked;
* `tvs_classifier.store.results`: the rows stored for a batch of objects;
* the tables themselves: `tvs_classifier.store.schema`.

The command line: ``tvs-classifier update INPUT --store STORE [--workers N]`` and
``tvs-classifier export --store STORE -o OUTPUT [--history]``.

Examples
--------
>>> store = ClassificationStore("sqlite://")
>>> store.latest().empty
True
"""

from .digest import light_curve_digests
from .store import ClassificationStore, StoreError
from .updates import UpdateReport, update

__all__ = ["ClassificationStore", "StoreError", "UpdateReport", "light_curve_digests", "update"]
