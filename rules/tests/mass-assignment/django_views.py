from django.http import JsonResponse
from rest_framework.decorators import api_view

from .models import Profile


@api_view(["POST"])
def create_profile(request):
    profile = Profile.objects.create(**request.data)  # ruleid: mass-assignment
    return JsonResponse({"id": profile.id})


@api_view(["POST"])
def create_profile_safe(request):
    profile = Profile.objects.create(bio=request.data.get("bio", ""))  # ok: mass-assignment
    return JsonResponse({"id": profile.id})
