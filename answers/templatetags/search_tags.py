"""Search snippets in templates: ``{{ question.search_snippet|search_snippet }}``."""

from django import template

from answers.search import snippet_html

register = template.Library()


@register.filter
def search_snippet(raw):
    """The snippet as safe HTML with the matched words in ``<mark>``."""
    return snippet_html(raw)
