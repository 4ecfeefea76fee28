from rest_framework import serializers

from offices.models import Membership, Office, Region


class OfficeSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name", read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = Office
        fields = [
            "code",
            "name",
            "office_class",
            "region",
            "region_code",
            "city",
            "timezone",
            "tpi",
            "passport_capacity",
            "permit_capacity",
            "is_active",
        ]


class MembershipSerializer(serializers.ModelSerializer):
    office: "serializers.SlugRelatedField[Office]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    region: "serializers.SlugRelatedField[Region]" = serializers.SlugRelatedField(
        slug_field="name", read_only=True, allow_null=True
    )
    scope = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["role", "scope", "office", "region"]

    def get_scope(self, membership: Membership) -> str:
        if membership.office_id:
            return "office"
        return "region" if membership.region_id else "nation"


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    memberships = MembershipSerializer(many=True)
