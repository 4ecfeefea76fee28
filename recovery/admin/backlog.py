"""The backlog in the admin: held cases per office and capability, for heads and supervisors."""
