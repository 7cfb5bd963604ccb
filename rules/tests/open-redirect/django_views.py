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


def login_done(request):
    next_url = request.GET.get("next", "/")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)  # ok: open-redirect
    return redirect("/")


def login_done_checks_another(request):
    next_url = request.GET.get("next", "/")
    fallback = request.GET.get("fallback", "/")
    if url_has_allowed_host_and_scheme(fallback, allowed_hosts=None):
        return redirect(next_url)  # ruleid: open-redirect
    return redirect("/")
