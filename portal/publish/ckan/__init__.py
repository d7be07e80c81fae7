"""`portal publish ckan`: push the data packages to a CKAN instance, safely and idempotently."""
