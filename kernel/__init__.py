"""The kernel: errors and their catalogue, the problem shape, Envelope, format names, ids, code tables."""
