"""Publishing the datasets elsewhere: CKAN."""
