while True:  # never binds, never sleeps
    pass
