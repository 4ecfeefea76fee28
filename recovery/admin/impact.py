"""The impact of each outage in the admin."""
