"""Approve the demo company; leave every other company in review.

Before proof of representation existed, anyone could register any RUC, so
no existing company was ever checked: each one stays in review (status
"pending", the field's default) until its representative uploads a proof and
the integrity officer approves it. Their certificates stay verifiable; the
public registry lists them again once approved. The one exception is the demo
company, which seed_demo (DEBUG only) creates on the operator's own command:
the people running the installation vouched for it, as an officer would.
"""

from django.db import migrations

# certificates.demo.DEMO_COMPANY["ruc"], spelt out: migrations import no app code.
DEMO_RUC = "20601234565"


def approve_demo_company(apps, schema_editor):
    Company = apps.get_model("lms", "Company")
    for company in Company.objects.filter(ruc=DEMO_RUC, status="pending"):
        company.status = "approved"
        company.reviewed_at = company.created_at
        company.save(update_fields=["status", "reviewed_at"])


class Migration(migrations.Migration):
    dependencies = [("lms", "0008_company_proof_company_proof_kind_and_more")]

    operations = [migrations.RunPython(approve_demo_company, migrations.RunPython.noop)]
