"""The core every command shares: the data model (`documents`), settings (`config`), the
`pipeline` that runs the scorers, the `risk` model that turns their results into a verdict,
the `signature` that records what produced a number, and the errors a user can act on."""
