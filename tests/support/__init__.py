"""Test helpers shared across the suite (real local receivers, no mocks of the network)."""
