# stick: cwe=601 construct=direct expect=vulnerable
from django.contrib.auth import login
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponseRedirect
from django.shortcuts import render


def sign_in(request):
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        next_url = request.GET.get("next", "/")
        return HttpResponseRedirect(next_url)  # stick: sink
    return render(request, "sign_in.html", {"form": form})
