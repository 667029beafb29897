"""Load the files a council already has (CIN Census, SSDA903, Annex A, SSD extracts, workforce census) into
the store in the SSD shape, keeping every rejected record with its reason and where it was."""
