"""The neural models behind the scorers: the causal language model (`lm`), the sentence
embedder (`embeddings`), and where both come from and are cached (`sources`)."""
