from django.http import HttpResponse
from django.utils.html import escape
from django.utils.safestring import mark_safe


def profile(request):
    bio = request.GET.get("bio", "")
    return HttpResponse(f"<p>{bio}</p>")  # ruleid: cross-site-scripting


def profile_safe(request):
    bio = request.GET.get("bio", "")
    return HttpResponse(f"<p>{escape(bio)}</p>")  # ok: cross-site-scripting


def signature(request):
    sig = request.POST["signature"]
    html = mark_safe("<footer>" + sig + "</footer>")  # ruleid: cross-site-scripting
    return HttpResponse(html)


def profile_json(request):
    import json

    bio = request.GET.get("bio", "")
    return HttpResponse(json.dumps({"bio": bio}), content_type="application/json")  # ok: cross-site-scripting
