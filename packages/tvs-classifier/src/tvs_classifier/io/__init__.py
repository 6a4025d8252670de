"""Reading light curves: files, Rubin DP1 tables and TAP, nested catalogs.

`tvs_classifier.io.readers`
    CSV and Parquet long tables (the package's or DP1's column names), one file per
    object, nested-pandas frames and LSDB catalogs (`read_light_curves`,
    `read_light_curve_files`, `from_nested`).
`tvs_classifier.io.rubin`
    Rubin DP1 tables (nJy fluxes to AB magnitudes, forced photometry joined to the
    Visit table) and their TAP queries.
`tvs_classifier.io.labelled`
    labelled light-curve tables, as the simulator writes them and training reads them.

Everything here returns validated `tvs_classifier.lightcurves.LightCurves`; nothing
here knows of the simulator or the classifier.

Examples
--------
>>> import tempfile, pathlib
>>> from tvs_classifier.io.readers import read_light_curves
>>> path = pathlib.Path(tempfile.mkdtemp()) / "lc.csv"
>>> _ = path.write_text("object_id,mjd,band,mag,mag_err\\nA,60000.1,LSST_g,18.2,0.02\\n")
>>> read_light_curves(path).bands
('g',)
"""
