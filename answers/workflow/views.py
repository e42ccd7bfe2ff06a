"""Pages of the answering process."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from .stages import is_team


@login_required
def start(request):
    """Where signing in leads: the dashboard for the PQ team, "My work" for everyone else."""
    if request.user.has_perm("answers.view_question") or is_team(request.user):
        return redirect("staff:dashboard")
    return redirect("staff:dashboard")
