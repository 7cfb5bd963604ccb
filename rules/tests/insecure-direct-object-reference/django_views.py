from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from .models import Document


@login_required
def document_detail(request, pk):  # ruleid: insecure-direct-object-reference
    doc = Document.objects.get(pk=pk)
    return JsonResponse({"title": doc.title})


@login_required
def my_document(request, pk):  # ok: insecure-direct-object-reference
    doc = get_object_or_404(Document, pk=pk, owner=request.user)
    return JsonResponse({"title": doc.title})
