from rest_framework import serializers

from offices.models import Office
from privacy.models import PersonalDataAccess


class PersonalDataAccessSerializer(serializers.ModelSerializer):
    """One recorded read, without the other people it showed: answering one person discloses nobody else."""

    office: "serializers.SlugRelatedField[Office]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    search = serializers.DictField(
        child=serializers.CharField(),
        help_text="The filters of a list or search, identifiers masked; the key a refused read looked up.",
    )

    class Meta:
        model = PersonalDataAccess
        fields = ["id", "at", "username", "address", "door", "outcome", "status_code", "office", "path", "search"]
        read_only_fields = fields
