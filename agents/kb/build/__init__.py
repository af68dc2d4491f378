"""Generate the knowledge base's data files from pinned public sources.

``python -m agents.kb.build --leaders CSV ... --groups TXT --out agents/kb/data`` rewrites the
``*.generated.yaml`` files; ``sources.yaml`` beside this module pins each source (repository,
commit, path, licence, date) and is copied into the generated files' headers. The same inputs give
the same bytes.
"""
