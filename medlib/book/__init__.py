"""The book's machinery: run notebooks with papermill, write and read results files.

Command line: ``python -m medlib.book {list,run,table}`` (see ``__main__``).
"""
