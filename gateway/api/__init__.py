"""HTTP routers, one module per resource; ``create_app`` includes each of them explicitly."""
