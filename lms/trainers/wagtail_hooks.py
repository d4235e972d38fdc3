"""Wagtail hooks: the certified trainers' registry and its audit-log actions."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from lms.trainers.models import Province, TrainerCertification
from lms.trainers.registry import APPROVE_ACTION, WITHDRAW_ACTION
from lms.trainers.viewsets import TrainerViewSet, trainer_policy

# Registered on import, before any view asks: otherwise Wagtail falls back to
# Django model permissions, which the integrity officer does not hold.
register_permission_policy(TrainerCertification, trainer_policy)


@hooks.register("register_admin_viewset")
def register_trainer_viewset():
    return TrainerViewSet()


@hooks.register("register_log_actions")
def register_trainer_log_actions(actions):
    @actions.register_action(APPROVE_ACTION)
    class ApproveFormatter(LogFormatter):
        label = _("Approve certified trainer")

        def format_message(self, log_entry):
            data = log_entry.data
            province = data.get("province", "")
            if province in Province.values:
                province = Province(province).label
            return _("Approved as a certified trainer in %(province)s, %(inst)s") % {
                "province": province,
                "inst": data.get("institution", ""),
            }

    @actions.register_action(WITHDRAW_ACTION)
    class WithdrawFormatter(LogFormatter):
        label = _("Withdraw certified trainer")

        def format_message(self, log_entry):
            return _("Certified trainer withdrawn: %(reason)s") % {
                "reason": log_entry.data.get("reason", "")
            }
