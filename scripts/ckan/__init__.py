"""The local CKAN harness: see harness.py."""
