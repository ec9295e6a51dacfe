"""The content of the book's summary pages, read from the chapters' results files.

- :mod:`.findings`: the ``findings`` chapter (the page that opens the book): which number
  of which chapter is each finding, and what it is compared with.
- :mod:`.faq`: the ``faq`` chapter: the source post's questions answered from the
  chapters' numbers.
"""
