"""A release entry names its case by kind and id, with the case's reference copied, instead of a
foreign key per kind.

The new columns are added empty, filled from the old ones (the id from whichever foreign key is
set, the reference from the case table of the entry's kind), then required; the old constraints
and foreign keys go last. Backwards, the foreign keys are filled again from the kind and the id
before the one-case check comes back.
"""

from django.db import migrations, models

FILL = """
UPDATE recovery_releaseentry AS e SET
    case_id = COALESCE(e.passport_application_id, e.permit_application_id),
    reference = CASE e.kind
        WHEN 'passport' THEN (
            SELECT c.reference FROM applications_passportapplication c WHERE c.id = e.passport_application_id
        )
        WHEN 'permit' THEN (
            SELECT c.reference FROM permits_staypermitapplication c WHERE c.id = e.permit_application_id
        )
    END
"""

# The foreign keys filled again change referencing columns: their deferred checks run here, so the
# one-case check can be added in the same transaction.
UNFILL = """
UPDATE recovery_releaseentry SET
    passport_application_id = CASE WHEN kind = 'passport' THEN case_id END,
    permit_application_id = CASE WHEN kind = 'permit' THEN case_id END;
SET CONSTRAINTS ALL IMMEDIATE
"""


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0003_plausible_lengths_and_dates'),
        ('permits', '0004_plausible_lengths_and_dates'),
        ('recovery', '0003_backlog_peak_release_withdrawal'),
    ]

    operations = [
        migrations.AddField(
            model_name='releaseentry',
            name='case_id',
            field=models.BigIntegerField(null=True, verbose_name='case'),
        ),
        migrations.AddField(
            model_name='releaseentry',
            name='reference',
            field=models.CharField(max_length=32, null=True, verbose_name='reference'),
        ),
        # Before the copy, so that backwards the check comes back only once the keys are filled.
        migrations.RemoveConstraint(
            model_name='releaseentry',
            name='release_entry_one_case',
        ),
        migrations.RunSQL(FILL, UNFILL),
        migrations.AlterField(
            model_name='releaseentry',
            name='case_id',
            field=models.BigIntegerField(verbose_name='case'),
        ),
        migrations.AlterField(
            model_name='releaseentry',
            name='reference',
            field=models.CharField(max_length=32, verbose_name='reference'),
        ),
        migrations.RemoveConstraint(
            model_name='releaseentry',
            name='release_entry_passport',
        ),
        migrations.RemoveConstraint(
            model_name='releaseentry',
            name='release_entry_permit',
        ),
        migrations.RemoveField(
            model_name='releaseentry',
            name='passport_application',
        ),
        migrations.RemoveField(
            model_name='releaseentry',
            name='permit_application',
        ),
        migrations.AddIndex(
            model_name='releaseentry',
            index=models.Index(fields=['kind', 'case_id'], name='release_entry_case_idx'),
        ),
        migrations.AddConstraint(
            model_name='releaseentry',
            constraint=models.UniqueConstraint(fields=('release_office', 'kind', 'case_id'), name='release_entry_case'),
        ),
    ]
