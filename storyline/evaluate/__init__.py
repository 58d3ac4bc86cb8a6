"""Quality evaluation on labelled data, with peer systems run side by side (``storyline eval``)."""
