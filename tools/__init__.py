"""Developer tools run from a source checkout (scenario builders, corpus, generators); not in the wheel."""
