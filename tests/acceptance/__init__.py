"""The official acceptance tests (akseptansetester) for receiving PLO and Dialogmelding."""
