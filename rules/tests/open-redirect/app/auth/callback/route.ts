import { NextRequest, NextResponse } from 'next/server';

export async function POST(request: NextRequest) {
  const form = await request.formData();
  const next = form.get('next') as string;
  return NextResponse.redirect(new URL(next, request.url)); // ruleid: open-redirect
}

export async function GET(request: NextRequest) {
  return NextResponse.redirect(new URL('/login', request.url)); // ok: open-redirect
}
