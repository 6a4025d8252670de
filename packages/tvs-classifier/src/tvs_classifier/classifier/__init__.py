"""The classifier: the Keras 3 CNN + MLP, its training and its use.

`tvs_classifier.classifier.network`
    the network alone (`build_model`; Szklenar et al. 2022);
`tvs_classifier.classifier.inputs`
    what it is fed: images and standardized numeric features;
`tvs_classifier.classifier.training`
    splits, class weights, early stopping, calibration and evaluation (`train`);
`tvs_classifier.classifier.calibration`, `tvs_classifier.classifier.evaluation`
    temperature scaling, reliability, precision, recall, confusion matrices;
`tvs_classifier.classifier.trained`
    a trained classifier with its model card, saved (`TrainedClassifier.save`) and
    loaded (`load_classifier`) in one place; the default model;
`tvs_classifier.classifier.classify`
    classification of light curves, one row per object (`classify`);
`tvs_classifier.classifier.catalog`
    the same for a HATS catalog, partition by partition with LSDB and Dask
    (`classify_catalog`);
`tvs_classifier.classifier.crossmatch`
    labels for real light curves from catalogs (`build_training_set`).

Training takes labelled light curves as data (simulated or real); nothing here
imports the simulator. Keras is imported when a network is built or loaded.

Examples
--------
>>> from tvs_classifier.classifier.trained import load_classifier
>>> classifier = load_classifier()  # the default model
>>> classifier.classes[:4]
('ACEP', 'CEP', 'DSCT', 'ECL')
"""
