"""Pseudonyms for deleted accounts, and on PostgreSQL a trigger that allows only the pseudonymising UPDATE."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The trigger of 0002 stays; its function now lets one UPDATE through: a foreign key cleared while its empty ref is
# filled (as the actor, with the IP address and browser cleared too), and nothing else changed. DELETE stays refused.
PSEUDONYMISING = """
CREATE OR REPLACE FUNCTION audit_accessevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND NEW.id = OLD.id AND NEW.action = OLD.action AND NEW.path = OLD.path AND NEW.method = OLD.method
        AND NEW.at = OLD.at AND NEW.summary = OLD.summary
        AND (
            (NEW.patient_id IS NOT DISTINCT FROM OLD.patient_id AND NEW.patient_ref = OLD.patient_ref)
            OR (OLD.patient_id IS NOT NULL AND NEW.patient_id IS NULL AND OLD.patient_ref = '' AND NEW.patient_ref <> '')
        )
        AND (
            (NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id AND NEW.actor_ref = OLD.actor_ref
                AND NEW.ip IS NOT DISTINCT FROM OLD.ip AND NEW.user_agent = OLD.user_agent)
            OR (OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL AND OLD.actor_ref = '' AND NEW.actor_ref <> ''
                AND NEW.ip IS NULL AND NEW.user_agent = '')
        )
        AND (NEW.patient_id IS NULL AND OLD.patient_id IS NOT NULL OR NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_accessevent is append-only: %% refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_accessevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_accessevent is append-only: %% refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def allow_pseudonymising(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PSEUDONYMISING)


def refuse_every_update(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_lifestyle_falls_goal'),
        ('audit', '0002_append_only_trigger'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='accessevent',
            name='actor_ref',
            field=models.CharField(blank=True, help_text='The pseudonym of an actor whose account was deleted.', max_length=40, verbose_name='actor (deleted account)'),
        ),
        migrations.AddField(
            model_name='accessevent',
            name='patient_ref',
            field=models.CharField(blank=True, help_text='The pseudonym of a patient whose account was deleted.', max_length=40, verbose_name='patient (deleted account)'),
        ),
        migrations.AlterField(
            model_name='accessevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='accessevent',
            name='patient',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='access_events', to='accounts.patientprofile'),
        ),
        migrations.AddConstraint(
            model_name='accessevent',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('patient__isnull', False), ('patient_ref', '')), models.Q(('patient__isnull', True), models.Q(('patient_ref', ''), _negated=True)), _connector='OR'), name='access_patient_or_ref'),
        ),
        migrations.AddConstraint(
            model_name='accessevent',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('actor__isnull', False), ('actor_ref', '')), models.Q(('actor__isnull', True), models.Q(('actor_ref', ''), _negated=True)), _connector='OR'), name='access_actor_or_ref'),
        ),
        migrations.RunPython(allow_pseudonymising, refuse_every_update),
    ]
