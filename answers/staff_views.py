"""Pages for staff: they need login and the right permission."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render


@login_required
@permission_required("answers.change_question", raise_exception=True)
def dashboard(request):
    return render(request, "staff/dashboard.html", {})
