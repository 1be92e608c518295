"""Text handling that does not score: sentence splitting (`segmenter`), language facts
(`language`), numbers and dates (`numbers`), words (`words`), the bilingual lexicon
(`lexicon`), glossaries (`glossary`) and the aligner of documents (`align`)."""
