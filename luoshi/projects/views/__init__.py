"""The pages of 民生实事: ``pages`` (the list, candidates and the vote, a project by hand, a project's page
with every form its roles may use, the period report, the self-evaluation) and ``files`` (the list
import and the exports)."""
