"""One module per output format; each reads grader.results and nothing else."""
