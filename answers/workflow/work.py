"""What waits on one person: the questions they own and the steps they may clear."""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from .models import AnswerProcess, Stage

ACTION = {
    Stage.COMMISSIONED: "Accept or reject",
    Stage.DRAFTING: "Draft and submit for clearance",
    Stage.HOLDING: "Holding answer sent: finish the draft",
}


@dataclass
class Item:
    process: object
    action: str
    deadline: object

    @property
    def question(self):
        return self.process.question


def work_for(user):
    """Two queries: the person's groups, and every process waiting on them."""
    group_ids = [group.pk for group in user.groups.all()]
    processes = (
        AnswerProcess.objects.for_list()
        .select_related("question__answer")
        .filter(question__is_withdrawn=False)
        .filter(
            Q(owner=user, stage__in=list(ACTION))
            | Q(stage=Stage.IN_CLEARANCE, current_step__user=user)
            | Q(stage=Stage.IN_CLEARANCE, current_step__group__in=group_ids)
        )
    )
    items = []
    for process in processes:
        if process.stage == Stage.IN_CLEARANCE:
            step = process.current_step
            items.append(Item(process, f"Clear or return ({step.name})", step.deadline))
        else:
            items.append(Item(process, ACTION[process.stage], process.draft_due))
    far = datetime.date.max
    items.sort(key=lambda item: (item.deadline or far, item.process.question.due_date or far,
                                 item.process.pk))  # fmt: skip
    return items
