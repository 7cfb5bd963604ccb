from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def logout_view(request):
    next_url = request.GET.get("next", "/")
    return HttpResponseRedirect(next_url)  # ruleid: open-redirect


def switch_language(request):
    back = request.POST.get("back", "/")
    return redirect(back)  # ruleid: open-redirect


def home(request):
    return redirect("/accounts/profile/")  # ok: open-redirect
