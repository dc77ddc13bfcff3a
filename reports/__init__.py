"""Read side: rows from the store, pure computation and rendering, delivery at the edge."""
