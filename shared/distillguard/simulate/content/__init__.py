"""Text written for the simulator: problems, prompt templates, tool schemas and everyday requests.

None of it is taken from the training corpus, so a demo on simulated traffic does not test memorisation."""
