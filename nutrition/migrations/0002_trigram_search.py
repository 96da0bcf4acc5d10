"""On PostgreSQL, a pg_trgm GIN index makes the search's LIKE '%word%' matching an index scan."""

from django.db import migrations


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS nutrition_food_search_trgm ON nutrition_food USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS nutrition_food_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("nutrition", "0001_initial")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
