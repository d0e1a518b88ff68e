"""The official receive acceptance tests as data: each case category and what the gateway must answer."""
