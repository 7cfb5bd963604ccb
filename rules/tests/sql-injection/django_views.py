from django.db import connection
from django.http import JsonResponse

from .models import Article


def search_articles(request):
    term = request.GET.get("q", "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, title FROM blog_article WHERE title LIKE '%%" + term + "%%'")  # ruleid: sql-injection
        rows = cursor.fetchall()
    return JsonResponse({"results": rows})


def raw_articles(request):
    author = request.GET["author"]
    articles = Article.objects.raw(f"SELECT * FROM blog_article WHERE author = '{author}'")  # ruleid: sql-injection
    return JsonResponse({"count": len(list(articles))})


def safe_articles(request):
    author = request.GET["author"]
    articles = Article.objects.raw("SELECT * FROM blog_article WHERE author = %s", [author])  # ok: sql-injection
    return JsonResponse({"count": len(list(articles))})
